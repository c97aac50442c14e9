check --assume 'subprocessors[5].name="x"' unknowns.pol vendor-u.json
