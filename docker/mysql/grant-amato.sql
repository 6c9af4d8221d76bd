-- The app user owns the app database and may create others: each test owns its schema.
GRANT ALL PRIVILEGES ON *.* TO 'amato'@'%' WITH GRANT OPTION;
