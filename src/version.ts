/** The version this build reports (kept equal to package.json by a test). */
export const APP_VERSION = '0.1.0';
