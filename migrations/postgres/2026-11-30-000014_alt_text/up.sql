-- What an image shows, for people who cannot see it: spec 3's alt_text, spec 1's altText.
ALTER TABLE items ADD COLUMN alt_text TEXT;
