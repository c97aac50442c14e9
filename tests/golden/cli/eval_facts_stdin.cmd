eval --facts - -- 'title'
