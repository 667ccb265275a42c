/**
 * A key or change-type matcher (picomatch) that remembers its answers: a batch matches the same
 * few payload keys and change types thousands of times. Bounded: cleared when it grows past
 * `limit` distinct inputs.
 */
export function remembered(match: (text: string) => boolean, limit = 1000): (text: string) => boolean {
  const answers = new Map<string, boolean>();
  return (text) => {
    let answer = answers.get(text);
    if (answer === undefined) {
      answer = match(text);
      if (answers.size >= limit) answers.clear();
      answers.set(text, answer);
    }
    return answer;
  };
}
