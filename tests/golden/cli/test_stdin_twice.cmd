test - -
