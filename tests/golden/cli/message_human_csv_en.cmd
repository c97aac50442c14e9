check --lang en --format csv message_human.pol message_human.json
