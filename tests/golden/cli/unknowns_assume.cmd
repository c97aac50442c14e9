check --color=never --assume backup.generations=9 --assume 'subprocessors[1].legal_seat="EU"' unknowns.pol vendor-u.json
