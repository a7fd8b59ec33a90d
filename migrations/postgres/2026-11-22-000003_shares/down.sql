DROP TABLE share_failures;
DROP TABLE shares;
