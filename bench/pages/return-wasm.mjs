// The return page's script with idv-handoff: its default entry, bundled by esbuild.
import { parseCallback } from "idv-handoff";
import { showReturn } from "./return-show.mjs";

showReturn((href, expectedState) => parseCallback(href, { expectedState }));
