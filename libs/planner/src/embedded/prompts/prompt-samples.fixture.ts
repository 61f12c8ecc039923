/** Realistic inputs for the prompt tools' specs: a full pharma brief in prose, and a rough idea. */
export const ALLERGY_TEXT =
  "A 30-second TV spot for Clarivo, a once-daily non-drowsy allergy tablet. Open on a family picnic ruined by sneezing, then the same picnic in full spring bloom after Clarivo. Calm, hopeful, sunlit. End on the product and the line 'Breathe in spring.' Side effects include headache, dry mouth and drowsiness in rare cases. Take one 10 mg tablet daily. Use only as directed.";

export const SNEAKER_IDEA = 'sneaker ad, neon, young runners';
