// Prints, as one JSON object keyed by file name, what exifr (an EXIF, XMP and IPTC reader
// independent of paspor) finds in each file given on the command line.
const exifr = require('exifr');
const fs = require('fs');

(async () => {
  const out = {};
  for (const f of process.argv.slice(2)) {
    const opts = {tiff: true, ifd0: true, exif: true, gps: true, xmp: true, iptc: true,
      translateKeys: true, translateValues: false, reviveValues: false, mergeOutput: true};
    try {
      out[f] = (await exifr.parse(fs.readFileSync(f), opts)) || {};
    } catch (e) {
      out[f] = {error: String(e)};
    }
  }
  process.stdout.write(JSON.stringify(out));
})();
