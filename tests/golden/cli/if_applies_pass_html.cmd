check --format html --lang ja if_applies_pass.pol if_applies_pass.json
