/** The beats of a short ad, in the order they play; short ads drop some, long ones split some. */
export const AD_BEATS = ['hook', 'problem', 'product', 'benefit', 'end-card'] as const;
export type AdBeat = (typeof AD_BEATS)[number];
export type BodyBeat = Exclude<AdBeat, 'end-card'>;
export const BODY_BEATS: readonly BodyBeat[] = ['hook', 'problem', 'product', 'benefit'];
