/**
 * A bad network source or import option: names the file, where in it (line, element or field) and how to fix it.
 * The class lives in data/networks.ts (the read side that models use); re-exported here for the importer.
 */
export { NetworkInputError } from '../../data/networks.ts';
