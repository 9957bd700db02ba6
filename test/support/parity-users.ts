/** The users the OFREP parity tests evaluate every flag for: attributes the sample's rules read, and some with no targeting key. */
export function parityUser(i: number): Record<string, string | number> {
  const ctx: Record<string, string | number> = { email: i % 7 === 0 ? `u${i}@acme.com` : `u${i}@example.com`, age: i % 80, plan: i % 3 === 0 ? 'pro' : 'free' };
  if (i % 97 !== 0) ctx.targetingKey = `user-${i}`;
  return ctx;
}
