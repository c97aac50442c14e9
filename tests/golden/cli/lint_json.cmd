lint --format=json ../../lint/planted.pol
