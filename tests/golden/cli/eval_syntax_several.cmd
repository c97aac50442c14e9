eval --excerpt=never -- '[1, 2 +] + {3: }'
