eval --facts eval-control.json -- 'int(s)'
