-- The video codec ffprobe reports (h264, hevc, vp9…); NULL for images and unprobed videos.
ALTER TABLE items ADD COLUMN codec TEXT;
