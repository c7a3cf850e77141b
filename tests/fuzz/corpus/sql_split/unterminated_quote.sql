SELECT 1;
SELECT 'open; never closed
