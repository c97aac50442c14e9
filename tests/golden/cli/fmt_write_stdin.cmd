fmt -w -
