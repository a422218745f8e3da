/**
 * The people an exclusive packet can go to: whoever the user has exchanged packets or payments
 * with, taken from their history, most recent first. Picking one fills the recipient id, so nobody
 * has to copy a user id by hand (typing one stays possible).
 */
export interface Contact {
  id: string;
  /** What to show: the name the server gave (packet senders in full, payers masked), or null. */
  name: string | null;
  /** ISO time of the latest exchange. */
  lastAt: string;
}

interface PacketLike {
  senderId: string;
  senderName: string;
  recipientId: string | null;
  createdAt: string;
}

interface PaymentLike {
  payerId: string;
  payerName: string;
  createdAt: string;
}

export interface ContactSources {
  /** Packets the user received: their senders. */
  received: PacketLike[];
  /** Packets the user sent: the recipients of exclusive ones. */
  sent: PacketLike[];
  /** Payments into the user's collect code: the payers. */
  payments: PaymentLike[];
}

export function recentContacts({ received, sent, payments }: ContactSources, meId: string | null, limit = 12): Contact[] {
  const byId = new Map<string, Contact>();
  const add = (id: string | null, name: string | null, at: string) => {
    if (!id || id === meId) return;
    const known = byId.get(id);
    if (!known) byId.set(id, { id, name, lastAt: at });
    else byId.set(id, { id, name: known.name ?? name, lastAt: at > known.lastAt ? at : known.lastAt });
  };
  for (const packet of received) add(packet.senderId, packet.senderName, packet.createdAt);
  for (const payment of payments) add(payment.payerId, payment.payerName, payment.createdAt);
  for (const packet of sent) add(packet.recipientId, null, packet.createdAt);
  return [...byId.values()].sort((a, b) => (a.lastAt < b.lastAt ? 1 : a.lastAt > b.lastAt ? -1 : 0)).slice(0, limit);
}

/** A contact's label: the name, or the tail of the id when the server gave no name. */
export function contactLabel(contact: Contact): string {
  return contact.name ?? `…${contact.id.slice(-6)}`;
}
