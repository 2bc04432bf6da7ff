// Writes config.example.ini from the schema (and every built-in collector's options).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { exampleIniText } from "./config-example-text.js";
import { PROJECT_ROOT } from "../src/lib/package-info.js";

writeFileSync(join(PROJECT_ROOT, "config.example.ini"), exampleIniText());
process.stderr.write("wrote config.example.ini\n");
