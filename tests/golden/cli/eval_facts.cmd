eval --facts vendor.json -- 'backup.generations >= 7 && "JP" in data.location.countries'
