eval --bind v=@vendor.json -- 'v.backup.generations'
