/** Global sensitivity analysis: Saltelli/Sobol' variance indices and Morris screening (see README.md). */
export * from './sampling.ts';
export * from './sobol.ts';
export * from './morris.ts';
