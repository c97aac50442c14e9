eval -- '"written"'
