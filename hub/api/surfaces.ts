import { modelartsSurface } from "./modelarts";
import { nativeSurface } from "./native";
import { openpaiSurface } from "./openpai";
import { otestackSurface } from "./otestack";
import { runaiSurface } from "./runai";
import type { SurfaceFactory } from "./surface";

/**
 * Every REST surface the hub serves. Adding one is its folder plus one line here; which surface
 * answers a path is decided by ownership.ts, not by this order (it only breaks ties and orders
 * the surfaces' bootstrap steps).
 */
export const SURFACES: readonly SurfaceFactory[] = [
  nativeSurface,
  runaiSurface,
  openpaiSurface,
  otestackSurface,
  modelartsSurface,
];
