eval --facts . -- 'true'
