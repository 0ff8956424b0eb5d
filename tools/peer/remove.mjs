import { removeBackground } from '@imgly/background-removal-node';
import { readFileSync, writeFileSync } from 'node:fs';
const [input, output] = process.argv.slice(2);
const type = input.endsWith('.png') ? 'image/png' : 'image/jpeg';
const blob = await removeBackground(new Blob([readFileSync(input)], { type }), { model: 'medium', output: { format: 'image/png' } });
writeFileSync(output, Buffer.from(await blob.arrayBuffer()));
