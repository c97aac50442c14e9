check --lang=ja --questions --assume backup.generations=9 --assume backup.offsite=true unknowns.pol vendor-u.json
