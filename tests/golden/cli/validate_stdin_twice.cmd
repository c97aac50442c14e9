validate - -
