eval --facts vendor.json -- 'incident.notify_hours <= 72'
