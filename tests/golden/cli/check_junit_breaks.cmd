check --format=junit junit_breaks.pol junit_breaks.json
