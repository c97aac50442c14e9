eval --bind d=@deep.json -- 'true'
