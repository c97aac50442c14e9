" Policy files of policyc (docs/policies.md): *.pol
autocmd BufRead,BufNewFile *.pol setfiletype policy
