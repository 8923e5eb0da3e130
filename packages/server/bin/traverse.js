#!/usr/bin/env node
// Launcher for the installed `traverse` command: the sources are TypeScript run through tsx.
import { register } from 'tsx/esm/api';

register();
await import('./traverse.ts');
