chek policy.pol vendor.json
