DROP TABLE item_tags;
DROP TABLE tags;
DROP TABLE items;
DROP TABLE blobs;
DROP TABLE settings;
DROP TABLE api_keys;
DROP TABLE users;
