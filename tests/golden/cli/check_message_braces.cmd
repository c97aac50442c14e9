check --color=never message_braces.pol message_braces.json
