check --lang ja message_human.pol message_human.json
