export const DEFAULT_FONTS_DIR = '/usr/share/fonts/truetype/dejavu';
/** The family libass looks up in DEFAULT_FONTS_DIR for the end card and compliance text. */
export const DEFAULT_FONT_NAME = 'DejaVu Sans';
