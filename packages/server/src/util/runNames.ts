/** Random run names in MLflow's `<adjective>-<noun>-<0..999>` shape (our own word lists). */
import { randomInt } from 'node:crypto';

const ADJECTIVES = [
  'agile', 'amber', 'ample', 'brave', 'bright', 'brisk', 'calm', 'clever', 'cosmic', 'crisp',
  'daring', 'deft', 'eager', 'early', 'fair', 'fancy', 'fleet', 'fond', 'gentle', 'glad',
  'golden', 'grand', 'happy', 'hardy', 'honest', 'humble', 'jolly', 'keen', 'kind', 'lively',
  'lucid', 'lucky', 'mellow', 'merry', 'mighty', 'modest', 'neat', 'nimble', 'noble', 'patient',
  'plucky', 'polite', 'proud', 'quick', 'quiet', 'rapid', 'rare', 'ready', 'regal', 'robust',
  'rosy', 'serene', 'sharp', 'shiny', 'silent', 'sleek', 'smart', 'snowy', 'solid', 'steady',
  'stellar', 'sunny', 'swift', 'tidy', 'tranquil', 'upbeat', 'valiant', 'vivid', 'warm', 'wise',
];

const NOUNS = [
  'ant', 'auk', 'bass', 'bat', 'bear', 'bee', 'bison', 'boar', 'carp', 'cat', 'cod', 'colt',
  'crab', 'crane', 'crow', 'deer', 'doe', 'dove', 'duck', 'eel', 'elk', 'finch', 'fox', 'frog',
  'goat', 'gull', 'hare', 'hawk', 'hen', 'heron', 'horse', 'ibis', 'jay', 'kite', 'koi', 'lamb',
  'lark', 'lion', 'lynx', 'mole', 'moth', 'mouse', 'newt', 'owl', 'ox', 'panda', 'pig', 'pike',
  'puma', 'quail', 'ram', 'robin', 'seal', 'shrew', 'slug', 'snail', 'sow', 'squid', 'stag',
  'swan', 'tern', 'toad', 'trout', 'vole', 'wasp', 'whale', 'wolf', 'wren', 'yak', 'zebu',
];

export function generateRunName(): string {
  const adjective = ADJECTIVES[randomInt(ADJECTIVES.length)] as string;
  const noun = NOUNS[randomInt(NOUNS.length)] as string;
  return `${adjective}-${noun}-${randomInt(1000)}`;
}
