import { ApiProperty } from '@nestjs/swagger';
import { Equals, IsEmail, IsIn, IsString, Length, Matches, MaxLength } from 'class-validator';
import { DISPLAY_NAME_MAX, DISPLAY_NAME_MIN } from './display-name.util';
import { PASSWORD_MAX } from '../auth/password.util';

export class RegisterDto {
  @ApiProperty({ example: '14521450', description: 'AGS of the town from the official directory' })
  @Matches(/^\d{8}$/, { message: 'ags must be an 8-digit official municipality key (AGS)' })
  ags: string;

  @ApiProperty({ example: 'buergermeister@olbernhau.de' })
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({ minLength: 10 })
  @IsString()
  @MaxLength(PASSWORD_MAX)
  password: string;

  @ApiProperty({ example: 'Jörg Klaus', description: "letters, spaces and . - ' only (no addresses or links)" })
  @IsString()
  @Length(DISPLAY_NAME_MIN, DISPLAY_NAME_MAX, { message: `displayName must be ${DISPLAY_NAME_MIN} to ${DISPLAY_NAME_MAX} characters long` })
  displayName: string;

  @ApiProperty({ enum: ['mayor', 'deputy', 'staff'] })
  @IsIn(['mayor', 'deputy', 'staff'], { message: 'contactFunction must be one of mayor, deputy, staff' })
  contactFunction: 'mayor' | 'deputy' | 'staff';

  @ApiProperty({ description: 'must be true: the registrant has read the privacy notice (/datenschutz)' })
  @Equals(true, { message: 'privacyAccepted must be true (consent to the privacy notice at /datenschutz)' })
  privacyAccepted: boolean;
}

export class ConfirmDto {
  @ApiProperty()
  @IsString()
  @Length(20, 100, { message: 'token is malformed' })
  token: string;
}

export class LoginDto {
  @ApiProperty() @IsEmail() email: string;
  @ApiProperty() @IsString() @MaxLength(PASSWORD_MAX) password: string;
}
