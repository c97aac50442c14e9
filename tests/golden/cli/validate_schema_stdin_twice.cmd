validate --schema=- -
