eval -- 'sample.add(1, 2)'
