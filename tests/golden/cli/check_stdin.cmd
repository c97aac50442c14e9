check --color=never compliant.pol -
