fmt - -
