eval -- 'vendor.name'
