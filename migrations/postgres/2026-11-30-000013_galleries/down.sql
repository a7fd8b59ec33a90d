DROP TABLE gallery_media;
DROP TABLE gallery_translations;
DROP TABLE galleries;
DROP TABLE languages;
