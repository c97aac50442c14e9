check --questions --lang unknowns.pol
