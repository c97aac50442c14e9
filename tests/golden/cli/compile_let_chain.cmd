compile --excerpt=never let_chain.pol -o /dev/null
