"""Teaching content, shipped inside the coach wheel as the data package `coach.content.knowledge`."""
