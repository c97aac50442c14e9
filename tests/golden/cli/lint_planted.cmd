lint ../../lint/planted.pol
